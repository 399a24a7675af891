"""Images of the archive: matplotlib figures rendered to PNG in the render processes."""
