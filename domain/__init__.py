"""The pure core of nhacviec: no I/O, no clock, no Telegram, no database."""
