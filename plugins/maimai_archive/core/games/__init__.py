"""Games for a group: a random chart (/random), today's fortune (/fortune), the guessing game
(/guess). Pure choices from an injected ``random.Random``; the archive only says what a
player has played."""
