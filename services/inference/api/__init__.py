"""HTTP translation layer: controllers turn requests into data-plane calls and results into JSON."""
