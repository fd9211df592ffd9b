class ProgressBar:
    """A one-line progress bar on standard error, only when it is a terminal."""

    def __init__(self, stream):
        self.stream = stream
        self.active = stream.isatty()

    def __call__(self, stage: str, done: int, total: int) -> None:
        if not self.active or not total:
            return
        width = 30
        filled = int(width * done / total)
        label = {"parse": "Đọc và kiểm tra", "write": "Ghi dữ liệu"}.get(stage, stage)
        self.stream.write(f"\r{label:<16} [{'#' * filled}{'.' * (width - filled)}] {done}/{total}")
        if done >= total:
            self.stream.write("\n")
        self.stream.flush()
