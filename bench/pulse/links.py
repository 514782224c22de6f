"""Prints the path of the first answer link of every pulse message in a folder (smtp-sink dumps)."""
import email, email.policy, os, re, sys

folder, limit = sys.argv[1], int(sys.argv[2])
for n, name in enumerate(sorted(os.listdir(folder))):
    if n >= limit:
        break
    with open(os.path.join(folder, name), "rb") as f:
        msg = email.message_from_binary_file(f, policy=email.policy.default)
    text = msg.get_body(("plain",)).get_content()
    m = re.search(r"https?://[^/\s]+(/p/[A-Za-z0-9_-]+)", text)
    if m:
        print(m.group(1))
