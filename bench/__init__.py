"""`make bench`: throughput and latency of the main endpoints against a production-style server."""
