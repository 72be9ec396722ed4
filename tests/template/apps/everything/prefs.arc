@env
staging
  API_KEY staging-key
production
  API_KEY live-key
