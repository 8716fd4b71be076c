"""Engines render RenderSpecs into takes; the assembler cuts a Timeline into a film."""
