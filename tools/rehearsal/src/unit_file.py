"""One section of a systemd unit file, read as systemd.syntax(7) describes it, for the rehearsal's
stand-in supervisor (unit-exec.py, socket-unit.py): blank lines and lines starting with # or ; are
comments; a later assignment of a setting replaces an earlier one, except for the settings that
take a list, which accumulate, and which an empty assignment resets.
"""


def read_section(path, section, multi):
    """The settings of `section` (for example '[Service]'); `multi` names the list settings."""
    settings, current = {}, None
    with open(path, encoding='utf-8') as f:
        for raw in f:
            line = raw.strip()
            if not line or line[0] in '#;':
                continue
            if line.startswith('['):
                current = line
                continue
            if current != section or '=' not in line:
                continue
            key, value = (part.strip() for part in line.split('=', 1))
            if key in multi:
                settings[key] = [] if value == '' else settings.get(key, []) + [value]
            else:
                settings[key] = value
    return settings
