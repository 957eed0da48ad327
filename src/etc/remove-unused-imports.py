#!/usr/bin/env python3
"""Removes single-type imports whose simple name is not used in the file (development aid)."""
import re
import sys

for path in sys.argv[1:]:
    text = open(path).read()
    lines = text.split('\n')
    body = '\n'.join(l for l in lines if not l.startswith('import '))
    kept = []
    for line in lines:
        m = re.match(r'import (static )?([\w.]+)\.(\w+);$', line)
        if m and m.group(3) != '*':
            name = m.group(3)
            if not re.search(r'\b' + re.escape(name) + r'\b', body):
                continue
        kept.append(line)
    new = '\n'.join(kept)
    new = re.sub(r'\n\n\n+import', '\n\nimport', new)
    if new != text:
        open(path, 'w').write(new)
        print('cleaned', path)
