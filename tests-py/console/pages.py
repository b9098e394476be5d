"""Small helpers over Selenium for the console's pages (ids and data-testid names from docs/console.md)."""

import time

from selenium.common.exceptions import NoSuchElementException
from selenium.webdriver.common.by import By


def tid(name: str) -> tuple[str, str]:
    """A locator for `data-testid="name"`."""
    return By.CSS_SELECTOR, f'[data-testid="{name}"]'


def find(driver, name: str):
    """The element with data-testid `name`, or with id `name` (a leading `#`)."""
    if name.startswith("#"):
        return driver.find_element(By.ID, name[1:])
    return driver.find_element(*tid(name))


def exists(driver, name: str) -> bool:
    try:
        find(driver, name)
        return True
    except NoSuchElementException:
        return False


def fill(driver, field_id: str, text: str) -> None:
    """Types `text` into the input or textarea `#field_id` (cleared first); selects an option for a select."""
    element = driver.find_element(By.ID, field_id)
    if element.tag_name == "select":
        from selenium.webdriver.support.ui import Select

        Select(element).select_by_value(text)
        return
    element.clear()
    element.send_keys(text)


def paste(driver, field_id: str, text: str) -> None:
    """Sets a textarea's value as a paste would (send_keys would auto-indent nothing, but is slow for YAML)."""
    element = driver.find_element(By.ID, field_id)
    driver.execute_script("arguments[0].value = arguments[1];", element, text)


def wait_until(condition, timeout: float = 60, interval: float = 0.5, message: str = ""):
    """Polls `condition()` until it is truthy; returns its value, or fails after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        try:
            last = condition()
        except Exception as error:  # a transient error (a page mid-load, a hub object not there yet)
            last = error
        if last and not isinstance(last, Exception):
            return last
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout} s: {message} (last: {last!r})")
