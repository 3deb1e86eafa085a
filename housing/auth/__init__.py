"""Login, logout, passwords, throttling and permissions."""
