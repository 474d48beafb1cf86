"""The SPSTI self-service assistant. The web application is built by `assistant.app.create_app`."""
