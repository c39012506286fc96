"""Parts of the text cleaner (`luoshi.ingest.clean`): GBK mojibake repair and script conversion."""
