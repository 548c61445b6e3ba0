"""Reading content: every file parsed once per load, then loaded, checked and filtered."""
