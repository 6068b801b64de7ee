"""ot-assistant: an offline, hands-free voice coach for parent-led occupational therapy."""

__version__ = "0.1.0"
