"""Copy the private-files bucket to a folder and back (backup.sh and restore.sh call it).

Usage: python scripts/private_bucket.py download DIR | upload DIR
Reads PRIVATE_STORAGE_BUCKET, PRIVATE_STORAGE_PREFIX, AWS_S3_ENDPOINT_URL, AWS_S3_REGION_NAME;
boto3 finds the credentials itself (AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY, a role...).
"""

import os
import sys
from pathlib import Path

import boto3


def main(action: str, folder: Path) -> int:
    bucket = os.environ["PRIVATE_STORAGE_BUCKET"]
    prefix = os.environ.get("PRIVATE_STORAGE_PREFIX", "").strip("/")
    prefix = f"{prefix}/" if prefix else ""
    s3 = boto3.client(
        "s3",
        endpoint_url=os.environ.get("AWS_S3_ENDPOINT_URL") or None,
        region_name=os.environ.get("AWS_S3_REGION_NAME") or None,
    )
    count = 0
    if action == "download":
        for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix):
            for item in page.get("Contents", []):
                target = folder / item["Key"][len(prefix) :]
                target.parent.mkdir(parents=True, exist_ok=True)
                s3.download_file(bucket, item["Key"], str(target))
                count += 1
    elif action == "upload":
        for path in sorted(p for p in folder.rglob("*") if p.is_file()):
            s3.upload_file(str(path), bucket, prefix + path.relative_to(folder).as_posix())
            count += 1
    else:
        raise SystemExit(__doc__)
    print(f"{action}: {count} file(s)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    if len(sys.argv) != 3:
        raise SystemExit(__doc__)
    sys.exit(main(sys.argv[1], Path(sys.argv[2])))
