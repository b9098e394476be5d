import ArgumentParser
@main struct PlacerCommand: AsyncParsableCommand {}
