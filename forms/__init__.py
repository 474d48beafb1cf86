"""WTForms forms of the web channel; labels are lazy so that they follow the user's language."""
