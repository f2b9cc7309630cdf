"""Sessions, speakers and the public programme of an edition."""
