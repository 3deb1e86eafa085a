"""Weekly support-visit scheduling (``support-schedule/1``): read, solve, explain, generate."""
