"""Authentication of the processor's callers: one module per scheme."""
