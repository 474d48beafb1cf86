"""Documents: PDF helpers, the membership certificate, the fiche d'entreprise, visit documents."""
