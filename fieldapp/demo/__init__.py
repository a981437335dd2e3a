"""Synthetic, clearly-labelled demo data for trying fieldapp without real households."""

from fieldapp.demo.generator import (
    DemoDataset,
    dataset_from_json,
    dataset_to_json,
    generate,
    summarize,
)

__all__ = ["DemoDataset", "dataset_from_json", "dataset_to_json", "generate", "summarize"]
