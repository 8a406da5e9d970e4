DEBUG = False
account_sid = 'AC9ea03f217103d7e3e5dc4b60d11cfbd3'
auth_token = '1519e8022ae08aebe92a07f1ba1a715f'
