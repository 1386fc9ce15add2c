"""plansite: publish 提升服務計畫 (service-improvement plans) as an accessible static site."""

__version__ = "0.1.0"
