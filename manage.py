#!/usr/bin/env python
from luoshi.__main__ import main

if __name__ == "__main__":
    main()
