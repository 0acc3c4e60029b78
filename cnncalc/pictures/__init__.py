"""Pictures of a network: charts of where the compute goes and how the receptive field
grows, the field of one unit on the input grid, networks against each other, a structure
diagram, and one self-contained HTML page with all of them.

Every function takes the library's Report (and Graph where structure is drawn) and
returns a matplotlib Figure; `canvas.save` writes it as PNG, SVG or PDF by suffix.
matplotlib is imported only when a picture is drawn (`canvas.pyplot`); without it, the
commands say which extra to install.
"""
