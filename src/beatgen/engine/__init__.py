"""Building: the pipeline from a site folder to an output folder, swapped in atomically."""
