"""Quick guidance: the cards and search lists, the words a search reads, the index that ranks
cards for a question, the checks of the search lists, and the ask/show-card/vote flow."""
