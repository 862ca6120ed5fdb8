"""Benchmarks: pyrax_image measured side by side with baselines in the same run."""
