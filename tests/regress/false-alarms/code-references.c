/* Code references where a generic rule's value would be: names in mixed
 * case, member access, calls, constants. jq's src/parser.c (bison) holds
 * the first one; the others are the same class in other languages. */
yytoken = YYSYMBOL_YYerror;
yytoken = YYTRANSLATE (yychar);
api_key = Constants.GOOGLE_API_KEY;
secret_key = BuildConfig.ApiKeyHeader;
auth_token: kAuthTokenHeader_NameV2
password = SettingsKeys.DB_PASSWORD_FIELD
db_password = R.string.database_password;
access_token = session->accessToken;
token = getAccessToken(request);
client_secret = AppSecrets::CLIENT_SECRET_NAME;
refresh_token = TokenStore.RefreshToken.Value
let privateKey = KeychainItem.PrivateKeyLabel
