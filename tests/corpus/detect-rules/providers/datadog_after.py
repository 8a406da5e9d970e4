api_key = "ac4612b262b6ed0f5ae3719ee92ad0fd"  # datadog
app_key = "440f83bcb7b3ad0f5506258894e1379ca0421e50"
