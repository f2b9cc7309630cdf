"""Search: one box that finds sessions, speakers, showcases, organisations, thinklabs and
public agreements, in the words of any language, for whoever may see them."""
