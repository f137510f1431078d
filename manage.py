#!/usr/bin/env python
from relais.cli import main

if __name__ == "__main__":
    main()
