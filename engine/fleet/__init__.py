"""The render fleet: shots rendered by warm Ray actors (one per GPU, a pool per model) when the
studio is set to `STORYREEL_EXECUTOR=ray`, behind the same Renderer protocol as one engine, so
the graph, the take cache and the single-flight claims work as they do in one process."""
