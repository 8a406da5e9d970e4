const password = process.env.DB_PASSWORD;
const apiKey = config.get('apiKey');
api_key = os.environ['API_KEY']
secret: settings.SECRET_KEY_PRODUCTION
