from phoihop.accounts.models import ApiToken


def bearer(world, username: str) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {ApiToken.issue(world.users[username])}"}
