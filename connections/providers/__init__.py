"""API clients of the apps the product connects ("providers"), one package each."""
