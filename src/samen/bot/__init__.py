"""The bot: dialogue, knowledge answers, self-service actions and the connectors behind them."""
