"""Parts of the text cleaner (`luoshi.text.clean`): GBK mojibake repair and script conversion."""
