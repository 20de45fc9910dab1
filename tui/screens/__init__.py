"""The screens of the Briefs terminal client."""
