test_expect_success 'push through an authenticating proxy' '
	git -c http.proxy=http://login-on-proxy:passwd-on-proxy@proxy.test.net:8080 push origin main
'
