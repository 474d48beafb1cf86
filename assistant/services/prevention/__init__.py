"""Prevention: the risk catalogue, risk declarations, NAF codes and the prevention-culture score."""
