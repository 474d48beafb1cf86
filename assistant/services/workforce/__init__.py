"""The workforce: employees and their values, CSV imports, health situations, workers' identity."""
