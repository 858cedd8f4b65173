from duixian.cli import app

app()
