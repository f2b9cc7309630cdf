"""The `showcases` blueprint: the call, submission by organisations, review, decision and
the public catalogue; organisations' profiles and their delegates."""
