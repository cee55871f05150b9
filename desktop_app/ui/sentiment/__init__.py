"""The Sentiment feature's view: the one-text and batch panes over
core/controllers/sentiment.py (`SentimentController`)."""
