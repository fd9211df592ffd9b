"""phoihop: coordination programs of a provincial Labour Federation and the Party bloc."""
