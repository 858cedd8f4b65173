"""Charts (PNG) drawn from computed lines; rules know nothing of presentation, charts read their output."""
