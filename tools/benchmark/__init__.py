"""The side-by-side benchmark behind tools/bench (see README.md beside this file)."""
