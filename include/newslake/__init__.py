"""newslake: a news-monitoring corpus kept as partitioned Parquet.

The package is plain Python: it imports no Airflow. DAG files in ``dags/`` wire its
stage functions (see :mod:`newslake.pipeline`) into tasks.
"""

__version__ = "0.1.0"
