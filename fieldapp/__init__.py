"""fieldapp: door-to-door visit logging, sync and coverage for Vietnam's community
digital-technology teams (Tổ công nghệ số cộng đồng)."""

__version__ = "0.1.0"
__all__ = ["__version__"]
