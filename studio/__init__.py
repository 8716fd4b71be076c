"""The studio wires the rooms together and faces the user: CLI, settings, use cases."""
