"""The foundation every Luoshi app stands on (DESIGN §5): Django, but importing no luoshi app."""
